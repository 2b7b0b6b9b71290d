"""Queue workers that grade submissions off the request path."""
