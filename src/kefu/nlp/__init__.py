"""NLP: the Chinese intake pipeline — normalisation, segmentation with the telecom
dictionary, masking, classification (rules + a learned model), emotion and urgency,
keywords, similar texts and the auto-dispatch decision (SPEC C4).

Owns: nlp_model_versions, nlp_corrections (agents' corrections, the feedback the next
training run learns from); model files under the instance directory.
Publishes: nothing. Reacts to: nothing.
Entry point for other modules: `kefu.nlp.intake.classify(text, context=...)` and
`kefu.nlp.similarity.similar(...)`. Knows nothing of tickets: the tickets module calls it.
"""
