"""Feature steering: named directions in a model's residual stream, and how they are used.

- `feature.py`   the Feature dataclass (layer -> direction, label, source, range, lens effect)
- `catalog.py`   per-model catalogs on disk (`FeatureCatalog.for_model`, `model_id`)
- `capture.py`   residual activations from llama.cpp (`l_out-N` via cb_eval): CAA directions
                 and the typical residual norm that defines a slider unit
- `cvec.py`      control-vector GGUF files (repeng / cvector-generator / llama-server)
- `sae.py`       SAELens and Gemma Scope decoder rows, hook name -> llama.cpp layer
- `sources.py`   making features from each source and exporting them (the CLI's engine)
- `mixer.py`     active features -> one llama.cpp control vector; `steering_key`
- `logit_bias.py` logit-lens effects and the OpenAI `logit_bias` approximation
- `presets.py`   named {feature: scale} presets
- `fuzzy.py`     the subsequence matcher behind search

Layer numbers are llama.cpp's everywhere: a direction for layer L is added to the output of
layer L (row L - 1 of a control vector); layer 0 cannot be steered. Nothing here imports
Textual, and numpy / llama_cpp / gguf are imported inside functions so the editor starts fast.
"""
