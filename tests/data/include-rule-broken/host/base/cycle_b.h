/* fixture: the other half */
#include "cycle_a.h"
