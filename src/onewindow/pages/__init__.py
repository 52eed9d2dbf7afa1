"""The portal's own pages: layout, language switch, help, accessibility, terms, errors."""
