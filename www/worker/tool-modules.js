// The teaching tools' worker modules, one import each (each calls registerTool from ./tools.js).
import './race.js';
import './inspector.js';
import './health.js';
import './landscape.js';
import './lessons.js';
