"""The Bedrock client's connection pool fits the fan-out: 16 concurrent slots through compare.run, one shared client."""

import logging

import pytest

from imagegen import compare
from imagegen.drivers import AmazonBedrockImageGenerationDriver, BedrockNovaCanvasImageGenerationModelDriver
from imagegen.slots import SlotSpec

NOVA = "amazon.nova-canvas-v1:0"
SLOTS = 16
POOL_FULL = "Connection pool is full"


def nova_slot(emulator, **kwargs) -> compare.Slot:
    driver = AmazonBedrockImageGenerationDriver(model=NOVA, image_generation_model_driver=
                                                BedrockNovaCanvasImageGenerationModelDriver(), image_width=320,
                                                image_height=320, endpoint_url=emulator.url, allow_retired=True,
                                                **kwargs)  # retired, but small images: the test is about the pool
    return compare.Slot(SlotSpec("bedrock", NOVA, {"width": 320, "height": 320}), driver)


@pytest.mark.parametrize("pool,full", [(None, False), (10, True)])  # 10: botocore's default, the old behaviour
def test_sixteen_concurrent_slots_fit_the_pool(bedrock_env, caplog, pool, full):
    bedrock_env.inject("bedrock", "latency", seconds=0.5, count=SLOTS)  # every request in flight at once
    kwargs = {} if pool is None else {"max_pool_connections": pool}
    slots = [nova_slot(bedrock_env, **kwargs) for _ in range(SLOTS)]
    with caplog.at_level(logging.WARNING, logger="urllib3"):
        results = list(compare.run(slots, ["a lighthouse"], timeout=60))
    assert [r.status for r in results] == ["ok"] * SLOTS, [r.error for r in results]
    assert len({id(slot.driver.get_client()) for slot in slots}) == 1  # one shared client, as in the app
    assert any(POOL_FULL in record.getMessage() for record in caplog.records) is full
