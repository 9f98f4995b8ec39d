"""The gateway's HTTP half: routes, their dependencies, problems, views and upload parsing.

Route modules (`uploads`, `videos`, `jobs`, `operations`) never import each other;
what two of them share lives in `deps`, `views`, `files` or `paging`.
"""
