// A cold worker for the thread benchmark: loads what a pooled worker loads, then exits.
import '@ft/objects';
import '../src/index.js';
