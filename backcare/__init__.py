"""Plain-Python core of the back-care assistant: knowledge base, recommender and helpers."""
