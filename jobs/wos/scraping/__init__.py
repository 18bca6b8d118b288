"""The gallery job: build a cast folder and its database rows from IMDb pages or photo lists.

Modules, from the bottom up:

- ``settings``: the job's knobs (base URL, rate, page budget, timeouts, size limit).
- ``specs``: the FilmAnalysis ``spec.cast`` object, parsed and validated.
- ``selectors``: every HTML selector the scraper relies on, in one place.
- ``visits``: politeness shared by every request: robots.txt, the rate, the page budget.
- ``browser``: headless Chromium through Selenium, opened and always quit.
- ``pages``: reading a cast from a full-credits page and photos from a person page.
- ``downloads``: fetching one photo with retries, timeouts, a size and a content-type check.
- ``tables``: the people and photos tables, and the idempotent upsert that writes them.
- ``building``: the job itself, from a cast spec to a cast folder and a report.
"""
