// Deliberately broken: used by the tests to check that a build failure names the call and shows the build log.
__kernel void copy(__global const float *a, __global float *c)
{
    c[get_global_id(0)] = a[get_global_id(0)] + undefined_symbol_in_tfbench_test;
}
