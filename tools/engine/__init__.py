"""The deterministic segmentation engine.

Pure functions and small classes: DataFrames and typed configs in, DataFrames
and dataclasses out. Nothing here prints, reads the environment or imports an
LLM library; every number a marketer sees is computed here.
"""
