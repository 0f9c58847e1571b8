"""Tools around the dbt project: governance JSON, the demo summary, the staging code generator."""
