"""Names the Griptape docs examples' environment uses in tests (the `docs_env` fixture is in conftest.py)."""

DOCS_DEPLOYMENT = "dall-e-3-docs"  # the Azure deployment the examples' AZURE_OPENAI_DALL_E_3_DEPLOYMENT_ID names
DOCS_LEONARDO_MODEL = "b24e16ff-06e3-43eb-8d33-4416c2d75876"  # what LEONARDO_MODEL_ID holds
