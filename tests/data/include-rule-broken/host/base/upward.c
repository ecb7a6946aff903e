/* fixture: base reaching up into report */
#include "../report/chart.h"
