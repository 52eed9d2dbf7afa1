"""OneWindow: a one-window e-government portal."""
