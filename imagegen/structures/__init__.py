"""A minimal Agent that runs image tools directly or through a chat model (see `agent`)."""

from imagegen.structures.agent import Agent, AgentError, Defaults, TextArtifact

__all__ = ["Agent", "AgentError", "Defaults", "TextArtifact"]
