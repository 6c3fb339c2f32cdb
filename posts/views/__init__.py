"""The posts app's views, one module per concern (reading, ...); ``posts/urls.py`` wires them."""
