"""Tests across the apps: what holds for every main page (minga/scaledata.py builds the data)."""
