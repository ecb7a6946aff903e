/* fixture: one suite family reaching into another */
#include "../gemm/core.h"
