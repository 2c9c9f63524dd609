#include <gtest/gtest.h>
TEST(Net, Placeholder) {}
