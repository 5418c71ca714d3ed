from imagegen.engines.prompt_image_generation_engine import PromptImageGenerationEngine, compose

__all__ = ["PromptImageGenerationEngine", "compose"]
