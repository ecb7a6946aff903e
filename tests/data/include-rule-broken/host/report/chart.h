/* fixture */
#define CHART 1
