"""Azure OpenAI: the OpenAI driver with Azure's URL, api-version and auth."""

from __future__ import annotations

import openai

from imagegen import credentials, logsafe
from imagegen.providers.openai.catalog import azure_api_version
from imagegen.providers.openai.driver import OpenAiImageGenerationDriver
from imagegen.settings import get_settings, reveal


class AzureOpenAiImageGenerationDriver(OpenAiImageGenerationDriver):
    """`api_version="v1"` uses Azure's v1 API (`{endpoint}/openai/v1/`, no api-version query)."""

    provider_id = "azure"

    def __init__(self, model: str, azure_endpoint: str | None = None, azure_deployment: str | None = None,
                 api_key: str | None = None, azure_ad_token: str | None = None,
                 azure_ad_token_provider=None, api_version: str | None = None, **kwargs):
        super().__init__(model, api_key=api_key, **kwargs)
        self.azure_endpoint = azure_endpoint
        self.azure_deployment = azure_deployment or model
        self.azure_ad_token = azure_ad_token
        logsafe.remember(azure_ad_token)  # never in a log (keys given as api_key: credentials.require)
        self.azure_ad_token_provider = azure_ad_token_provider
        # the argument, else OPENAI_API_VERSION, else api_version under [azure], else the model family's default
        self.api_version = api_version or get_settings().azure.api_version or azure_api_version(model)

    def credential_hint(self) -> str:
        return (f"Set a valid key in AZURE_OPENAI_API_KEY (or api_key under [azure] in "
                f"{credentials.secrets_path()}), or pass an Entra ID token; the key itself is never shown.")

    def endpoint_hint(self) -> str:
        return (f"the endpoint ({self.azure_endpoint or get_settings().azure.endpoint or 'unset'}), "
                f"deployment '{self.azure_deployment}' and api-version {self.api_version}")

    def resolve_endpoint(self) -> str:
        return credentials.require(self.provider.credentials[1], self.azure_endpoint, self.provider_id).rstrip("/")

    def credential(self) -> tuple[str, object]:
        """Exactly one credential, as (SDK keyword, value): the SDK raises MutuallyExclusiveAuthError for two.

        Explicit arguments first (token provider, token, key), then the environment as the SDK orders it
        (AZURE_OPENAI_AD_TOKEN before AZURE_OPENAI_API_KEY), then secrets.toml (api_key before ad_token)."""
        if self.azure_ad_token_provider is not None:
            return "azure_ad_token_provider", self.azure_ad_token_provider
        if self.azure_ad_token:
            return "azure_ad_token", self.azure_ad_token
        if self.api_key:
            return "api_key", self.resolve_api_key()
        token, source = get_settings().lookup("AZURE_OPENAI_AD_TOKEN")
        if token and (source == "environment" or not credentials.lookup(self.provider.credentials[0])[0]):
            logsafe.remember(token)
            return "azure_ad_token", token
        return "api_key", self.resolve_api_key()

    def client_key(self) -> tuple:
        kind, value = self.credential()
        shown = id(value) if kind == "azure_ad_token_provider" else value
        return (self.resolve_endpoint(), self.azure_deployment, self.api_version, kind, shown)

    def shareable(self) -> bool:
        return self.azure_ad_token_provider is None  # a token provider's client stays with its driver

    def make_client(self) -> openai.OpenAI:
        endpoint = self.resolve_endpoint()
        kind, value = self.credential()
        if self.api_version == "v1":
            token = value() if kind == "azure_ad_token_provider" else value
            return openai.OpenAI(api_key=token, base_url=f"{endpoint}/openai/v1/", timeout=self.timeout,
                                 max_retries=self.max_retries)
        return openai.AzureOpenAI(
            azure_endpoint=endpoint, azure_deployment=self.azure_deployment, api_version=self.api_version,
            timeout=self.timeout, max_retries=self.max_retries, **{kind: value},
        )

    def secrets(self) -> list[str | None]:
        config = get_settings().azure
        return [self.api_key, self.azure_ad_token, reveal(config.api_key), reveal(config.ad_token)]
