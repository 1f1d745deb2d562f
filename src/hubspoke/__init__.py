"""hubspoke: reproducible tests of hub-and-spoke claims on international networks."""

__version__ = "0.2.0"
