"""Cart Composer: compose, preview and send shopping-cart events to Drip and Bronto."""

__version__ = "0.1.0"
