from imagegen.history import GenerationRecord, HistoryStore
from imagegen.rerun import slot_specs


def record(position, provider, model, requested, seed):
    return GenerationRecord(position=position, provider=provider, model=model, requested_options=requested,
                            effective_options=requested, prompt="p", negative_prompt="", status="ok", seed=seed)


def test_rerun_specs_keep_options_and_fill_the_seed_used(tmp_path):
    store = HistoryStore(data_dir=str(tmp_path))
    run_id = store.create_run("a fox", [], [])
    store.add_generation(run_id, record(1, "openai", "dall-e-3", {"quality": "hd"}, None))
    store.add_generation(run_id, record(0, "local", "procedural-v1", {"style_preset": "neon"}, 77))
    store.add_generation(run_id, record(2, "bedrock", "amazon.titan-image-generator-v1", {"seed": 5}, 5))
    specs = slot_specs(store.get_run(run_id))
    assert [(s.provider, s.options) for s in specs] == [
        ("local", {"style_preset": "neon", "seed": 77}),
        ("openai", {"quality": "hd"}),  # OpenAI has no seed
        ("bedrock", {"seed": 5}),
    ]
