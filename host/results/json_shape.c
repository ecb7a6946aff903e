/* Bounds of JSON text checked before parsing it (include/tfbench/results_read.h): own file, so the fuzz targets
 * link it alone. */
#include "tfbench/results_read.h"

int tfb_json_check_shape(const char *text, size_t length, size_t max_depth, size_t max_values, tfb_error *err)
{
    size_t depth = 0, values = 1;
    int in_string = 0;
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') in_string = 0;
            continue;
        }
        if (c == '"') in_string = 1;
        else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return tfb_fail(err, "JSON nested deeper than %zu levels at byte %zu", max_depth, i);
            values++;
        } else if (c == '}' || c == ']') {
            if (depth > 0) depth--;
        } else if (c == ',' && ++values > max_values) {
            return tfb_fail(err, "JSON has more than %zu values", max_values);
        }
    }
    return TFB_OK;
}
