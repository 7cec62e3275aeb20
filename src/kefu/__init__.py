"""kefu (客服): customer-service operations platform for telecom operators."""

__version__ = "0.1.0"
