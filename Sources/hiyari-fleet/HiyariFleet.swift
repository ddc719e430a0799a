@main struct HiyariFleet { static func main() {} }
