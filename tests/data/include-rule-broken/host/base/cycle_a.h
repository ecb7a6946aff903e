/* fixture: half of a cycle */
#include "cycle_b.h"
