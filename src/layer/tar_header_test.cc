#include "layer/tar_header.h"

#include <gtest/gtest.h>

#include <string>

#include "layer/test_archive.h"

namespace zlayer::layer {
namespace {

using testing::ReadArchive;
using testing::ReadEntry;

std::string Encode(const TarHeader& header) {
  std::string out;
  auto status = AppendTarHeader(header, out);
  EXPECT_TRUE(status.has_value()) << status.error().message();
  return out;
}

// A header plus zero-filled data and the trailer: a whole archive.
std::string Archive(const TarHeader& header) {
  std::string out = Encode(header);
  out.append(header.size + TarPadding(header.size), '\0');
  out.append(kTarTrailerSize, '\0');
  return out;
}

ReadEntry ReadOne(const TarHeader& header) {
  auto entries = ReadArchive(Archive(header));
  if (!entries) {
    ADD_FAILURE() << entries.error().message();
    return ReadEntry();
  }
  EXPECT_EQ(entries->size(), 1u);
  return entries->empty() ? ReadEntry() : entries->front();
}

std::string Field(const std::string& block, size_t offset, size_t width) {
  std::string field = block.substr(offset, width);
  return field.substr(0, field.find('\0'));
}

TarHeader FileHeader(std::string name) {
  TarHeader h;
  h.name = std::move(name);
  h.mode = 0644;
  h.mtime = 1700000000;
  return h;
}

TEST(TarHeaderTest, ShortNameIsOnePlainUstarBlock) {
  TarHeader h = FileHeader("etc/passwd");
  h.uid = 1000;
  h.gid = 100;
  h.size = 5;
  std::string block = Encode(h);
  ASSERT_EQ(block.size(), kTarBlockSize);
  EXPECT_EQ(Field(block, 0, 100), "etc/passwd");
  EXPECT_EQ(Field(block, 100, 8), "0000644");
  EXPECT_EQ(Field(block, 108, 8), "0001750");
  EXPECT_EQ(Field(block, 116, 8), "0000144");
  EXPECT_EQ(Field(block, 124, 12), "00000000005");
  EXPECT_EQ(Field(block, 136, 12), "14524770400");
  EXPECT_EQ(block[156], '0');
  EXPECT_EQ(block.substr(257, 8), std::string("ustar\0"
                                              "00",
                                              8));
  EXPECT_EQ(Field(block, 265, 32), "");  // uname, as BuildKit
  EXPECT_EQ(Field(block, 297, 32), "");  // gname
  // The checksum is the byte sum with its own field counted as spaces.
  unsigned sum = 0;
  for (size_t i = 0; i < block.size(); ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  }
  EXPECT_EQ(std::stoul(Field(block, 148, 8), nullptr, 8), sum);
  EXPECT_EQ(block[155], ' ');
}

TEST(TarHeaderTest, AllModeBitsAreKept) {
  TarHeader h = FileHeader("bin/su");
  h.mode = 07755;
  EXPECT_EQ(Field(Encode(h), 100, 8), "0007755");
  EXPECT_EQ(ReadOne(h).perm, 07755u);
}

TEST(TarHeaderTest, LongAsciiNameSplitsIntoPrefixWithoutPax) {
  std::string dir(120, 'd');
  TarHeader h = FileHeader(dir + "/file");
  std::string block = Encode(h);
  ASSERT_EQ(block.size(), kTarBlockSize);
  EXPECT_EQ(Field(block, 345, 155), dir);
  EXPECT_EQ(Field(block, 0, 100), "file");
  EXPECT_EQ(ReadOne(h).path, h.name);
}

TEST(TarHeaderTest, TwoHundredCharacterNameUsesPaxPath) {
  TarHeader h = FileHeader(std::string(200, 'n'));
  std::string out = Encode(h);
  ASSERT_EQ(out[156], 'x');
  EXPECT_NE(out.find("210 path=" + h.name + "\n"), std::string::npos);
  EXPECT_EQ(ReadOne(h).path, h.name);
}

TEST(TarHeaderTest, NonAsciiNameUsesPaxPath) {
  TarHeader h = FileHeader("données/日本語.txt");
  std::string out = Encode(h);
  ASSERT_EQ(out[156], 'x');
  EXPECT_NE(out.find("path=" + h.name + "\n"), std::string::npos);
  EXPECT_EQ(ReadOne(h).path, h.name);
}

TEST(TarHeaderTest, LongLinkTargetUsesPaxLinkpath) {
  TarHeader h = FileHeader("link");
  h.type = TarType::kSymlink;
  h.linkname = "/" + std::string(150, 't');
  EXPECT_EQ(ReadOne(h).symlink, h.linkname);
}

TEST(TarHeaderTest, LargeNumbersUsePaxRecords) {
  TarHeader h = FileHeader("big");
  h.uid = 3000000;
  h.gid = 4000000;
  h.size = uint64_t{9} << 30;
  h.mtime = -86400;
  std::string out = Encode(h);
  EXPECT_NE(out.find(" uid=3000000\n"), std::string::npos);
  EXPECT_NE(out.find(" gid=4000000\n"), std::string::npos);
  EXPECT_NE(out.find(" size=9663676416\n"), std::string::npos);
  EXPECT_NE(out.find(" mtime=-86400\n"), std::string::npos);
  std::string ustar = out.substr(out.size() - kTarBlockSize);
  EXPECT_EQ(Field(ustar, 108, 8), "0000000");  // Go's last resort: zero
}

TEST(TarHeaderTest, XattrsBecomeSortedSchilyRecords) {
  TarHeader h = FileHeader("ping");
  std::string capability("\x01\x00\x00\x02\x00\x20\x00\x00", 8);
  h.xattrs = {{"security.capability", capability}, {"user.a", "1"}};
  std::string out = Encode(h);
  size_t cap = out.find("SCHILY.xattr.security.capability=");
  size_t user = out.find("SCHILY.xattr.user.a=1\n");
  ASSERT_NE(cap, std::string::npos);
  ASSERT_NE(user, std::string::npos);
  EXPECT_LT(cap, user);
  ReadEntry entry = ReadOne(h);
  EXPECT_EQ(entry.xattrs["security.capability"], capability);
  EXPECT_EQ(entry.xattrs["user.a"], "1");
}

TEST(TarHeaderTest, RecordLengthCountsItsOwnDigits) {
  // Around the 2-to-3 digit boundary of the record length.
  for (size_t n = 80; n < 110; ++n) {
    TarHeader h = FileHeader(std::string(n, 'p'));
    h.uid = 3000000;  // forces PAX even where the name would split
    EXPECT_EQ(ReadOne(h).path, h.name) << n;
  }
}

TEST(TarHeaderTest, DevicesCarryMajorAndMinor) {
  TarHeader h = FileHeader("dev/sda");
  h.type = TarType::kBlockDevice;
  h.devmajor = 8;
  h.devminor = 1;
  ReadEntry entry = ReadOne(h);
  EXPECT_EQ(entry.type, static_cast<mode_t>(AE_IFBLK));
  EXPECT_EQ(entry.devmajor, 8u);
  EXPECT_EQ(entry.devminor, 1u);
}

TEST(TarHeaderTest, SameFieldsSameBytes) {
  TarHeader h = FileHeader("a/" + std::string(300, 'x'));
  h.xattrs = {{"user.k", "v"}};
  EXPECT_EQ(Encode(h), Encode(h));
}

TEST(TarHeaderTest, RefusesPaxBeyondWhatReadersAccept) {
  TarHeader h = FileHeader("huge");
  for (int i = 0; i < 20; ++i) {
    h.xattrs.emplace_back("user.x" + std::to_string(100 + i),
                          std::string(60000, 'v'));
  }
  std::string out;
  auto status = AppendTarHeader(h, out);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().kind(), ErrorKind::kUnsupported);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace zlayer::layer
