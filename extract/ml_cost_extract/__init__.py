"""Land SageMaker metadata and CloudWatch invocation metrics as Parquet."""

__version__ = "0.1.0"
