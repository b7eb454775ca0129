// Public ops of this family land here (see docs/architecture.md, "Adding an op").
export {};
