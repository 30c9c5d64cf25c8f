# core/ holds no models: the page types it once had (HomePage, StandardPage) are the home app's
# since home/migrations/0001 (their tables keep their names, core_homepage and core_standardpage).
