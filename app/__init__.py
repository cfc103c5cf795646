"""Cart Composer: compose, preview and send shopping-cart events to Drip and Bronto."""

import os

__version__ = "0.1.0"

# pydantic looks for plugins by scanning every installed distribution's entry points the first
# time a model is built (~40 ms here); the app's models use none. PYDANTIC_DISABLE_PLUGINS is
# pydantic's documented switch; set only if the user has not set it.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
