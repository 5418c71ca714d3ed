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


def test_rerun_of_a_run_cut_short_brings_back_its_missing_slots(tmp_path):
    store = HistoryStore(data_dir=str(tmp_path))
    planned = [{"position": 0, "provider": "local", "model": "procedural-v1", "options": {"seed": 3}},
               {"position": 1, "provider": "openai", "model": "gpt-image-1", "options": {"quality": "low"}},
               {"position": 2, "provider": "bedrock", "model": "amazon.titan-image-generator-v1", "options": {}}]
    run_id = store.create_run("a fox", [], [], planned=planned)
    store.add_generation(run_id, record(1, "openai", "gpt-image-1", {"quality": "low"}, None))
    specs = slot_specs(store.get_run(run_id))
    assert [(s.provider, s.options) for s in specs] == [
        ("local", {"seed": 3}), ("openai", {"quality": "low"}), ("bedrock", {})]
