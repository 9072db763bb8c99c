"""Questions to answers: retrieve, prompt, generate, cite, check grounding, refuse."""
