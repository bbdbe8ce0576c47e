"""The MkDocs hooks (mkdocs.yml, hooks:). MkDocs loads each by its file path;
the tests import them as hooks.<name>. No hook imports another: what they
share is in core."""
