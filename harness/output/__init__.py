"""Output: results.jsonl, the tensors it draws, the HTML report, failure messages."""
