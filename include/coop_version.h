/* coop_version.h: the program's version (manifest.cfg, `coopsim --version`). */
#ifndef COOP_VERSION_H
#define COOP_VERSION_H

#define COOP_VERSION "0.1.0"

#endif
