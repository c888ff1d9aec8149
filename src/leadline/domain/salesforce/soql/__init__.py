"""SOQL, the query language of Salesforce's REST API: the pure half.

``parse_soql`` (parser.py, over lexer.py) turns the text into an immutable ``Query``
(syntax.py); ``dates.py`` resolves date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER...);
``errors.py`` names Salesforce's error codes with the position; ``request.py`` is what a page
is asked for and answers. The SQL half is ``persistence/salesforce/soql/`` and the use case
``services/salesforce/query.py`` (docs/adr/0042-soql-compiled-to-one-statement.md).
"""
