"""poaudit: audit a council website against the ODPM local e-government Priority Outcomes."""

__version__ = "0.1.0"
