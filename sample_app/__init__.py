"""A real CDK app built from secure-constructs; ``cdk synth`` runs it (see cdk.json)."""
