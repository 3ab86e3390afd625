"""The dashboard of the office and the district leaders: a round's figures as charts drawn on the server.

It owns read-only figures (`queries`), the SVG charts (`charts`, pure functions), who may read them
(`permissions`) and the page and its export (`views`). It changes nothing.
"""
