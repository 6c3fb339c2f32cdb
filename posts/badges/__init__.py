"""Embeddable badge images: PNGs drawn with Pillow that members put on other sites.

``fonts`` finds the bundled font and splits text into runs it can draw;
``drawing`` lays out the three badges; ``images`` describes what each badge shows,
hashes it into the ETag and keeps the drawn PNG in the cache under that hash, so a
badge is drawn again only when what it shows changes.
"""
