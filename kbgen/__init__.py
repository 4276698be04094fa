"""kbgen: which libvirt version added X, and which drivers support it."""

__version__ = "0.1.0"
