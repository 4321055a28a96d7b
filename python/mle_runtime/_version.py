"""The SDK's version, in one place for the package metadata, the exporters and users.

It also stamps every exported file's producer_version; nothing else belongs here.
"""

__version__ = "0.1.0"
