"""The command line: ``cart-composer`` (the window) and its sub-commands. No Qt imports."""
