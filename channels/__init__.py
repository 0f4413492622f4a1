"""The input channels the Rasa server opens: Rasa's own, with the project's safeguards."""
