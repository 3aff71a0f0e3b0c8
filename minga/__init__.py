"""Minga: a platform on which civil-society organizations run a collaborative network."""
