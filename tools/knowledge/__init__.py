"""The knowledge base: passages, offline embedding, ChromaDB store, grounded answers.

corpus (passages from knowledge/**/*.md) -> store (ChromaDB in the workspace, built on
first use) -> answers / campaigns (extractive, cited texts in en, zh or ru).
Nothing here imports LangChain or calls a model.
"""
