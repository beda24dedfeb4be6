"""The CV builder: several CVs per person, structured sections, templates, PDF/text/JSON Resume
export and import, and private share links."""
