"""spendcat: read, categorise and check UK public-spending transparency data."""

__version__ = "0.1.0"
