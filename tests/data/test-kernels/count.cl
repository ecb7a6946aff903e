/* For tests/test_opencl.c: counts how often it ran, so the test can tell which rotating set each execution used. */
kernel void bump(global int *counter)
{
    counter[0] += 1;
}
